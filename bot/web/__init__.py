"""The web server: chat page, JSON chat API, health check, and the HTTP channels."""
