"""The site: Mozaika's composition root.

The only package that names the domain packages (`tenants`, `aggregation`) beside the kernel
(`mozaika.*`): the settings that install them, the API that mounts their routers, the URLs,
the WSGI and worker entry points and `serve`, which runs them all. Nothing imports it but
the processes that start from it (`lint-imports` checks the direction).
"""
