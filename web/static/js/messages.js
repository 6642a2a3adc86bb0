// messages.js — every error a person can meet, as a sentence in their
// language: by the envelope's code, and by field path and server message
// for validation errors. Never a raw code on screen.
