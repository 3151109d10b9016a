"""The forms of a drift report: JSON (the contract), console, JUnit XML, Markdown."""
