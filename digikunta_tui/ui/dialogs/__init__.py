"""Modal dialogs: confirmations, unsaved changes, webinar chores and the GDPR view."""
