"""Deadlines on calendars: iCalendar events and text, the writer, subscription feeds and the server
that answers them."""
