from django.core.paginator import Paginator

PAGE_SIZE = 50


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    """A page of `queryset`; a bad or too large page number gives the last page, never a 500."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
