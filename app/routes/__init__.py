"""Thin route handlers: read input, call one service, return a template or a schema."""
