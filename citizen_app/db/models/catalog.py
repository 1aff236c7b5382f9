"""Reference data loaded from ../shared/data: administrative units and the national procedure index.

Both tables are replaced from their CSV by idempotent importers (``units import``,
``catalog import-index``); the app only reads them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from citizen_app.db.base import Base, UtcDateTime, utcnow


class Province(Base):
    """A province or centrally-run city (34 since 1 July 2025), by its 2-digit statistics code."""

    __tablename__ = "admin_provinces"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class Commune(Base):
    """A commune-level unit: xã, phường or đặc khu, by its 5-digit code (unique nationally)."""

    __tablename__ = "admin_communes"

    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("admin_provinces.code"))
    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))  # xa | phuong | dac_khu
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (Index("ix_admin_communes_province_code", "province_code"),)


class IndexedProcedure(Base):
    """One national-index procedure: information only, the citizen applies at the agency.

    The field is kept as the index spells it; the catalogue maps it to a taxonomy slug when it
    loads (citizen_app.core.catalog.taxonomy), so editing the taxonomy needs no re-import.
    """

    __tablename__ = "catalog_index_procedures"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    level: Mapped[str] = mapped_column(String(16))  # commune | province | ministry | other
    level_source: Mapped[str] = mapped_column(String(128))  # e.g. "Cấp bộ, Cấp xã", as published
    field_name: Mapped[str] = mapped_column(String(255))
    ministry: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
