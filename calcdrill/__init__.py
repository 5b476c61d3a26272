"""calcdrill, the application: command line, class workflow, LMS files, web app.

It uses the two libraries: :mod:`generator` (bank -> instance -> document) and
:mod:`grader` (answer -> parsed -> verdict).  Nothing below it imports it.
"""
