//! A ZIP archive written front to back for streaming, by `async_zip`: each
//! entry is written whole (its CRC and size known, the PDF being complete), so
//! the archive needs no seeking back and no data descriptors, which some
//! readers (Java's `ZipInputStream`) refuse for stored entries. The bytes of
//! each entry are taken out as soon as it is written. PDFs are compressed
//! already, so entries are stored. Past 65,535 entries or 4 GiB the archive
//! becomes ZIP64 by itself.

use async_zip::base::write::ZipFileWriter;
use async_zip::{Compression, ZipDateTime, ZipDateTimeBuilder, ZipEntryBuilder};

/// A regular file, `-rw-r--r--`: the mode of every entry.
const FILE_MODE: u16 = 0o100_644;

/// The archive being written.
pub struct ZipStream {
    writer: ZipFileWriter<Vec<u8>>,
    date: ZipDateTime,
}

impl Default for ZipStream {
    fn default() -> Self {
        ZipStream::new()
    }
}

impl ZipStream {
    /// An empty archive whose entries are dated now (UTC).
    pub fn new() -> Self {
        let now = time::OffsetDateTime::now_utc();
        let date = ZipDateTimeBuilder::new()
            .year(now.year())
            .month(u32::from(u8::from(now.month())))
            .day(u32::from(now.day()))
            .hour(u32::from(now.hour()))
            .minute(u32::from(now.minute()))
            .second(u32::from(now.second()))
            .build();
        ZipStream::with_date(date)
    }

    /// An empty archive whose entries are dated `year-month-day` 00:00, so the
    /// same letters always make the same bytes (a register batch replayed
    /// after a crash hashes the same).
    pub fn dated(year: i32, month: u8, day: u8) -> Self {
        let date = ZipDateTimeBuilder::new()
            .year(year.clamp(1980, 2107))
            .month(u32::from(month.clamp(1, 12)))
            .day(u32::from(day.clamp(1, 31)))
            .build();
        ZipStream::with_date(date)
    }

    fn with_date(date: ZipDateTime) -> Self {
        ZipStream {
            writer: ZipFileWriter::new(Vec::new()),
            date,
        }
    }

    /// The bytes of one entry: its local header followed by `data`.
    pub async fn entry(&mut self, name: &str, data: &[u8]) -> std::io::Result<Vec<u8>> {
        let entry = ZipEntryBuilder::new(name.to_string().into(), Compression::Stored)
            .last_modification_date(self.date)
            .unix_permissions(FILE_MODE);
        self.writer
            .write_entry_whole(entry, data)
            .await
            .map_err(std::io::Error::other)?;
        // The writer counts its offset itself; the bytes so far are ours.
        Ok(std::mem::take(self.writer.inner_mut()))
    }

    /// The central directory and end records that close the archive.
    pub async fn finish(self) -> std::io::Result<Vec<u8>> {
        self.writer.close().await.map_err(std::io::Error::other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    async fn archive(names: &[String], data: impl Fn(usize) -> Vec<u8>) -> Vec<u8> {
        let mut z = ZipStream::dated(2024, 6, 15);
        let mut bytes = Vec::new();
        for (i, name) in names.iter().enumerate() {
            bytes.extend(z.entry(name, &data(i)).await.unwrap());
        }
        bytes.extend(z.finish().await.unwrap());
        bytes
    }

    #[tokio::test]
    async fn the_zip_crate_reads_it_back() {
        let names = ["๐๐๑-นายก.pdf".to_string(), "002.pdf".to_string()];
        let bytes = archive(&names, |i| format!("%PDF-1.7 {i}").into_bytes()).await;
        // No data descriptor (flag bit 3): the sizes are in the local header,
        // as readers that cannot seek need them; names flagged UTF-8 (bit 11).
        let flags = u16::from_le_bytes([bytes[6], bytes[7]]);
        assert_eq!(flags & (1 << 3), 0);
        assert_ne!(flags & (1 << 11), 0);
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(archive.len(), 2);
        for (i, name) in names.iter().enumerate() {
            let mut entry = archive.by_index(i).unwrap();
            assert_eq!(entry.name(), name);
            assert_eq!(entry.compression(), zip::CompressionMethod::Stored);
            assert_eq!(entry.unix_mode(), Some(0o100_644));
            let mut text = String::new();
            entry.read_to_string(&mut text).unwrap();
            assert_eq!(text, format!("%PDF-1.7 {i}"));
        }
    }

    #[tokio::test]
    async fn the_same_letters_make_the_same_bytes() {
        let names = vec!["a.pdf".to_string(), "b.pdf".to_string()];
        let one = archive(&names, |i| vec![b'x'; i + 1]).await;
        let two = archive(&names, |i| vec![b'x'; i + 1]).await;
        assert_eq!(one, two);
    }

    #[tokio::test]
    async fn more_than_65535_entries_become_zip64() {
        let n = 65_536 + 4;
        let names: Vec<String> = (0..n).map(|i| format!("{i}.pdf")).collect();
        let bytes = archive(&names, |i| i.to_string().into_bytes()).await;
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(archive.len(), n);
        let mut last = archive.by_name(&format!("{}.pdf", n - 1)).unwrap();
        let mut text = String::new();
        last.read_to_string(&mut text).unwrap();
        assert_eq!(text, (n - 1).to_string());
    }
}
