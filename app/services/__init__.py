"""Services: all database access, shared by the web routes and the CLI."""
