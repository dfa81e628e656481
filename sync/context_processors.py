from django.conf import settings


def node(request):
    """The node's role, for the pages that differ on a provincial or the national node."""
    return {"node_role": settings.NODE_ROLE}
