"""The national admin's /admin/ in Indonesian, with the national desk as its home: the admin app
with its site (nonasn.admin_site), and the third-party apps it lists named in the portal's words
(their AppConfig's verbose name, the documented way). Named in INSTALLED_APPS."""

from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig as TasksDbAppConfig


class NationalAdminConfig(AdminConfig):
    default_site = "nonasn.admin_site.NationalAdminSite"


class TasksDatabaseConfig(TasksDbAppConfig):
    verbose_name = _("Background tasks")

    def ready(self) -> None:
        super().ready()
        # The package's admin names three columns with English literals; the admin's autodiscovery
        # (AdminConfig.ready, earlier in INSTALLED_APPS) has registered it by now.
        from django.contrib import admin
        from django_tasks_db.admin import DBTaskResultAdmin
        from django_tasks_db.models import DBTaskResult

        class TaskResultAdmin(DBTaskResultAdmin):
            @admin.display(description=_("task"))
            def task_name(self, obj: DBTaskResult) -> str:
                return obj.task_name

            @admin.display(description=_("traceback"))
            def formatted_traceback(self, obj: DBTaskResult) -> str:
                return super().formatted_traceback(obj)

            @admin.display(description=_("run after"))
            def display_run_after(self, obj: DBTaskResult):
                return super().display_run_after(obj)

        if admin.site.is_registered(DBTaskResult):
            admin.site.unregister(DBTaskResult)
        admin.site.register(DBTaskResult, TaskResultAdmin)


class AxesConfig(AxesAppConfig):
    verbose_name = _("Login lockout")


class CaptchaConfig(AppConfig):
    name = "captcha"
    verbose_name = _("Captcha")

    def ready(self) -> None:
        from captcha.models import CaptchaStore

        # The package declares no verbose name: the permission list would read "captcha store".
        CaptchaStore._meta.verbose_name = _("captcha answer")
        CaptchaStore._meta.verbose_name_plural = _("captcha answers")
