from django.apps import AppConfig


class QuestionsConfig(AppConfig):
    name = "questions"
    verbose_name = "Committee questions and actions"

    def ready(self) -> None:
        from questions import hooks

        hooks.register()
