"""The conformance suite itself: run by ``taskconform run``, or ``pytest --pyargs taskconform.suite``."""
