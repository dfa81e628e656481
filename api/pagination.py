from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size_query_param = None


class DigestPagination(PageNumberPagination):
    """Reconciliation reads whole groups: large pages, a few requests per cohort."""

    page_size = 1000
