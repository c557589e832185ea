"""The conversation core: a pure state table from message to replies and effects."""
