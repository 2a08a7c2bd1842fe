"""Reports and analytics that read across every app (so they live in the top app)."""
