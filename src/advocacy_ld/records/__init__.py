"""Records: reading, identifying, validating and loading record graphs."""
