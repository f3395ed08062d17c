"""The demo's names: the 2022 period's title and excluded positions, real agency names, work units,
positions, people's and places' names, schools, and the demo complaints' texts (seed_demo's data).

Synthetic and clearly fake where a person is concerned; change the demo's content here, its steps in
`demo/management/commands/seed_demo.py`.
"""

from __future__ import annotations

DEMO_PERIOD = "Pendataan Non-ASN 2022"
EXCLUDED_POSITIONS = [
    "Petugas Kebersihan",
    "Cleaning Service",
    "Pengemudi",
    "Sopir",
    "Satpam",
    "Petugas Keamanan",
]

# (code, name, kind, region code used for the workers' NIKs)
AGENCIES = [
    ("K001", "Kementerian Pendidikan, Kebudayaan, Riset, dan Teknologi", "central", "317101"),
    ("K002", "Kementerian Kesehatan", "central", "317102"),
    ("K003", "Kementerian Agama", "central", "317103"),
    ("K004", "Kementerian Dalam Negeri", "central", "317104"),
    ("K005", "Kementerian Keuangan", "central", "317105"),
    ("K006", "Kementerian Pertanian", "central", "317106"),
    ("K007", "Kementerian Perhubungan", "central", "317107"),
    ("K008", "Kementerian Sosial", "central", "317108"),
    ("K009", "Badan Kepegawaian Negara", "central", "317401"),
    ("K010", "Badan Pusat Statistik", "central", "317402"),
    ("P11", "Pemerintah Provinsi Aceh", "province", "117101"),
    ("P12", "Pemerintah Provinsi Sumatera Utara", "province", "127101"),
    ("P31", "Pemerintah Provinsi DKI Jakarta", "province", "317201"),
    ("P32", "Pemerintah Provinsi Jawa Barat", "province", "327301"),
    ("P33", "Pemerintah Provinsi Jawa Tengah", "province", "337401"),
    ("P35", "Pemerintah Provinsi Jawa Timur", "province", "357801"),
    ("P51", "Pemerintah Provinsi Bali", "province", "517101"),
    ("P53", "Pemerintah Provinsi Nusa Tenggara Timur", "province", "537101"),
    ("P64", "Pemerintah Provinsi Kalimantan Timur", "province", "647101"),
    ("P73", "Pemerintah Provinsi Sulawesi Selatan", "province", "737101"),
    ("P91", "Pemerintah Provinsi Papua", "province", "917101"),
    ("B3201", "Pemerintah Kabupaten Bogor", "regency", "320101"),
    ("B3204", "Pemerintah Kabupaten Bandung", "regency", "320401"),
    ("B3404", "Pemerintah Kabupaten Sleman", "regency", "340401"),
    ("B3507", "Pemerintah Kabupaten Malang", "regency", "350701"),
    ("B3510", "Pemerintah Kabupaten Banyuwangi", "regency", "351001"),
    ("B3515", "Pemerintah Kabupaten Sidoarjo", "regency", "351501"),
    ("B1207", "Pemerintah Kabupaten Deli Serdang", "regency", "120701"),
    ("B5103", "Pemerintah Kabupaten Badung", "regency", "510301"),
    ("B6403", "Pemerintah Kabupaten Kutai Kartanegara", "regency", "640301"),
    ("B7306", "Pemerintah Kabupaten Gowa", "regency", "730601"),
    ("C3273", "Pemerintah Kota Bandung", "city", "327301"),
    ("C3578", "Pemerintah Kota Surabaya", "city", "357801"),
    ("C1275", "Pemerintah Kota Medan", "city", "127501"),
    ("C7371", "Pemerintah Kota Makassar", "city", "737101"),
    ("C3471", "Pemerintah Kota Yogyakarta", "city", "347101"),
    ("C3374", "Pemerintah Kota Semarang", "city", "337401"),
    ("C5171", "Pemerintah Kota Denpasar", "city", "517101"),
    ("C1671", "Pemerintah Kota Palembang", "city", "167101"),
    ("C6471", "Pemerintah Kota Balikpapan", "city", "647101"),
    ("C1371", "Pemerintah Kota Padang", "city", "137101"),
]
# The two agencies that get staff accounts and workers: (code, short name for user names).
STAFFED = [("C3273", "bandung"), ("B3404", "sleman")]

UNITS = [
    ("Dinas Pendidikan", False),
    ("Dinas Kesehatan", False),
    ("Sekretariat Daerah", False),
    ("Dinas Pertanian dan Ketahanan Pangan", False),
    ("Dinas Perhubungan", False),
    ("RSUD (BLUD)", True),
]
POSITIONS = [
    ("Guru", "Guru Ahli Pertama"),
    ("Tenaga Administrasi", "Pengadministrasi Umum"),
    ("Perawat", "Perawat Terampil"),
    ("Bidan", "Bidan Terampil"),
    ("Penyuluh Pertanian", "Penyuluh Pertanian Terampil"),
    ("Pranata Komputer", "Pranata Komputer Terampil"),
    ("Operator Layanan Operasional", "Operator Layanan Operasional"),
    ("Pengemudi", ""),
    ("Petugas Kebersihan", ""),
]
MEN = ["Ahmad", "Budi", "Agus", "Eko", "Wahyu", "Rudi", "Hendra", "Andi", "Joko", "Bayu", "Teguh", "Arif",
       "Fajar", "Rizky", "Dedi", "Yusuf", "Imam", "Slamet", "Made", "Ketut"]  # fmt: skip
WOMEN = ["Siti", "Dewi", "Rina", "Sri", "Nur", "Dian", "Putri", "Fitri", "Yuni", "Ratna", "Lestari", "Indah",
         "Wulan", "Mega", "Ayu", "Nanda", "Kartika", "Rahma", "Ni Luh", "Intan"]  # fmt: skip
FAMILY = ["Pratama", "Santoso", "Wijaya", "Hidayat", "Saputra", "Kurniawan", "Rahmawati", "Setiawan", "Susanti",
          "Nugroho", "Permana", "Siregar", "Nasution", "Harahap", "Simanjuntak", "Gunawan", "Hakim", "Fauzi",
          "Ramadhan", "Wibowo", "Utami", "Maharani", "Firmansyah", "Suryani"]  # fmt: skip
PLACES = [
    "Bandung",
    "Sleman",
    "Yogyakarta",
    "Garut",
    "Cirebon",
    "Bantul",
    "Klaten",
    "Surabaya",
    "Medan",
    "Makassar",
]
EDUCATION = [("SMA", "SMA Negeri 1"), ("D3", "Politeknik Kesehatan"), ("S1", "Universitas Padjadjaran"),
             ("S1", "Universitas Gadjah Mada"), ("D4", "Politeknik Negeri Bandung"), ("S2", "Institut Teknologi Bandung")]  # fmt: skip

DEMO_COMPLAINTS = [
    # (state, description, answer)
    ("open", "Yang bersangkutan sudah tidak bekerja di unit ini sejak awal 2021.", ""),
    ("open", "Jabatan yang tercantum tidak sesuai: sehari-hari bertugas sebagai pengemudi.", ""),
    (
        "accepted",
        "Nama ini tidak pernah bekerja di sekolah kami; mohon diperiksa.",
        "Setelah pemeriksaan lapangan yang bersangkutan tidak bekerja di unit tersebut; keputusan diubah menjadi TMS.",
    ),
    (
        "rejected",
        "Saya ragu yang bersangkutan memenuhi masa kerja.",
        "SK pengangkatan dan daftar gaji menunjukkan masa kerja sejak 2018; data sudah benar.",
    ),
]
