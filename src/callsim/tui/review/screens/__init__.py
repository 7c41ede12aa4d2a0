"""The review app's screens: sessions (the table), session, review dialog, progress, cohort, help."""
