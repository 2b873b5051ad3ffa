"""The public site's main navigation: the current plan's goals."""


def navigation_for(request):
    return []
