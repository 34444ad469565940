"""kinerja — mesin aturan Indikator Kinerja Kegiatan (IKK) dengan buku kerja Excel sebagai antarmuka.

Alur data satu arah: grammar (teks → pohon) → engine.model (model aturan bertipe) → engine.checker →
engine.evaluator (murni, dengan jejak) → workbooks (adaptor berkas/Excel) → cli.
"""

__version__ = "0.1.0"
