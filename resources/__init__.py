"""Files the running app needs (icons, the demo catalogue), found with importlib.resources."""
