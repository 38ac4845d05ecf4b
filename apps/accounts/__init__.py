"""Staff accounts: the admin login throttle's pieces and optional second-factor login.

- throttle.py: what django-axes (configured in config/settings.py) calls: the key it counts a
  username under, and the page a locked-out login gets.
- services.py: second factor (an authenticator app, and backup codes), on django-otp's devices.
- forms.py: the admin login form, which asks for a code only from users who turned it on.
- views.py, urls.py: the admin page where staff turn the second factor on and off.
"""
