"""Template context shared by every public page."""


def site_navigation(request):
    from civicstat.core.navigation import navigation_for

    return {"site_navigation": navigation_for(request)}
