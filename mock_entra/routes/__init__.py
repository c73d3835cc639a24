"""HTTP routers: each translates requests to protocol calls and results back to HTTP."""
