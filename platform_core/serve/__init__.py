"""`recog serve`: a web page for every pipeline, on the same runner and records as `recog run`.

Needs the ``serve`` extra (``pip install 'recog[serve]'``: Starlette, uvicorn, python-multipart, Jinja2).
"""
