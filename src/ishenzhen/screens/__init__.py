"""What the app renders: the home screen, and each item's guide and form resolved for the caller."""
