"""mock-entra: a fake of the Microsoft identity platform for offline tests."""
