"""Staff accounts: the admin login throttle's pieces, optional second-factor login, and telling
reviewers that statements wait for review, and the editors' review queue.

- throttle.py: what django-axes (configured in config/settings.py) calls: the key it counts a
  username under, and the page a locked-out login gets.
- services.py: second factor (an authenticator app, and backup codes), on django-otp's devices.
- forms.py: the admin login form, which asks for a code only from users who turned it on.
- reviews.py, models.py, tasks.py, templatetags/: the count of statements in review on every
  admin page for reviewers, and the mail about them that a reviewer can ask for.
- queue.py, templatetags/review_queue.py: the editors' one review queue (article suggestions
  and watched pages' changes), a layer above ingest and watch, which may not list each other's.
- views.py, urls.py: the admin pages where staff turn the second factor, and reviewers the
  review mail, on and off, and the review queue.
"""
