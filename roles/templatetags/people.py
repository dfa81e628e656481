from django import template

from roles.display import person

register = template.Library()
register.filter("person", person)
