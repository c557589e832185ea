"""Microsoft Teams on the Microsoft 365 Agents SDK: POST /api/messages and proactive messages."""

from bot.channels.teams.channel import TeamsChannel, TeamsConfigError, create_teams_channel

__all__ = ["TeamsChannel", "TeamsConfigError", "create_teams_channel"]
