"""A run's reports: verdicts from test records, one typed report, and the files rendered from it.

report.json (its shape published in ``schema/report.schema.json``), junit.xml and report.html are
written by ``writer``; the baseline, the run-to-run diff and the Markdown summary read them back.
"""
