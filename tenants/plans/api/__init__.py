"""A gmina's plans over HTTP, one router per part (mounted by `mozaika.site.api`)."""
