"""The self-check web app (``calcdrill serve``): students check answers by problem code.

>>> from calcdrill.web import WebConfig
>>> WebConfig().rate_limit
300
"""

from calcdrill.web.app import create_app, open_service, serve
from calcdrill.web.config import DEFAULT_DATABASE, WebConfig

__all__ = ["DEFAULT_DATABASE", "WebConfig", "create_app", "open_service", "serve"]
