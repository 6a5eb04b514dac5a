"""sitroom's HTTP API and the web page it serves (`sitroom serve`).

`sitroom.api.app.create_app` builds the FastAPI application; `sitroom.api.auth` makes and checks write
tokens without importing the web framework, so the `token` commands stay light.
"""
