"""Actions on issues that both frames and the API share: status with conditions, assignment, notes, merge."""
