"""Understanding what a reply does: text-speak, a sentence encoder, and learned heads over it."""
