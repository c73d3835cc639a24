"""Run the whole system locally: the mock identity platform, the backend and the frontend."""
