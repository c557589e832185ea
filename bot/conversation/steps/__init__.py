"""The steps of the reporting conversation, one module each; `registry` lists them (see flow.md)."""
