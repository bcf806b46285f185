"""Training delivery (penyelenggaraan pengembangan kompetensi): Partner institutions, programs, batches (angkatan), nomination, attendance and completion."""
