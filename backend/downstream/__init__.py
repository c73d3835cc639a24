"""Fake Azure AI Search and Microsoft Graph, and the client the tools use to call them."""
