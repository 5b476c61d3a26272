"""Documents from instances: maths typesetting, HTML from the templates, PDF."""
