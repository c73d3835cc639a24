"""The client the tools use to call Azure AI Search and Microsoft Graph with an OBO token."""
