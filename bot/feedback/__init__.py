"""Feedback in the style of IPT communication analysis: coach notes and summaries."""

from bot.feedback import debrief
from bot.feedback.notes import coach_note, describe_style
from bot.feedback.rewrite import rewrite
from bot.feedback.summary import summary_for

__all__ = ["coach_note", "debrief", "describe_style", "rewrite", "summary_for"]
