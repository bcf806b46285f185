"""Notifications (pemberitahuan): whom to tell what and how (people, their language and muted kinds), the messages
the other services' events cause, their delivery (e-mail), reminders and calendars."""
