"""MQTT link: topics, message schemas, outbox delivery, signed commands and catalogue updates."""
