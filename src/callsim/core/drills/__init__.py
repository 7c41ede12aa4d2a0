"""Drills beyond the live call: written messages, voicemail, and "may I contact them now?".

- :mod:`.rules`: the jurisdiction rules the drills check, as versioned data (``data/channel_rules.yaml``).
- :mod:`.schedule`: the contact-log engine that computes whether, and when, a contact is allowed.
- :mod:`.drafts`: the checks on a written message or a voicemail (rules plus the scorer's understanding).
- :mod:`.model`: the drill file format; :mod:`.attempt`: playing a drill and the attempt record.
"""
