"""Reading the register as of a day: the deadline stream (what is open and overdue), the views the
app shows, the agenda, the finance views and the reports."""
