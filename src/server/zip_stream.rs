//! A ZIP archive written front to back, one stored entry at a time, for
//! streaming: each entry's CRC and size are known before its header is written
//! (the PDF is complete), so nothing is ever sought back to. PDFs are compressed
//! already, so entries are stored, not deflated.
//!
//! Stays within the classic format: at most [`MAX_ENTRIES`] entries and 4 GiB.

use std::io;

/// Most entries in one archive (ZIP without ZIP64).
pub const MAX_ENTRIES: usize = 65_535;

const LOCAL_HEADER: u32 = 0x0403_4b50;
const CENTRAL_HEADER: u32 = 0x0201_4b50;
const END_OF_CENTRAL: u32 = 0x0605_4b50;
/// Bit 11: names are UTF-8 (Thai file names).
const FLAG_UTF8: u16 = 1 << 11;
const VERSION: u16 = 20;
/// Made by Unix, so the permission bits below are read.
const MADE_BY: u16 = (3 << 8) | VERSION;
/// `-rw-r--r--` regular file.
const UNIX_FILE: u32 = 0o100_644 << 16;

/// The archive being written: the offset so far and the central directory.
#[derive(Debug)]
pub struct ZipStream {
    offset: u64,
    entries: usize,
    central: Vec<u8>,
    time: u16,
    date: u16,
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
        let year = u16::try_from(now.year().clamp(1980, 2107) - 1980).unwrap_or(0);
        let date = (year << 9) | (u16::from(u8::from(now.month())) << 5) | u16::from(now.day());
        let time = (u16::from(now.hour()) << 11)
            | (u16::from(now.minute()) << 5)
            | u16::from(now.second() / 2);
        ZipStream::with_stamp(date, time)
    }

    /// An empty archive whose entries are dated `year-month-day` 00:00, so the
    /// same letters always make the same bytes (a register batch replayed
    /// after a crash hashes the same).
    pub fn dated(year: i32, month: u8, day: u8) -> Self {
        let year = u16::try_from(year.clamp(1980, 2107) - 1980).unwrap_or(0);
        let date = (year << 9) | (u16::from(month.clamp(1, 12)) << 5) | u16::from(day.clamp(1, 31));
        ZipStream::with_stamp(date, 0)
    }

    fn with_stamp(date: u16, time: u16) -> Self {
        ZipStream {
            offset: 0,
            entries: 0,
            central: Vec::new(),
            time,
            date,
        }
    }

    /// The bytes of one entry: its local header followed by `data`.
    pub fn entry(&mut self, name: &str, data: &[u8]) -> io::Result<Vec<u8>> {
        let too_big = || io::Error::other("the ZIP would pass 4 GiB or 65,535 entries");
        if self.entries >= MAX_ENTRIES {
            return Err(too_big());
        }
        let name = name.as_bytes();
        let name_len = u16::try_from(name.len()).map_err(|_| too_big())?;
        let size = u32::try_from(data.len()).map_err(|_| too_big())?;
        let offset = u32::try_from(self.offset).map_err(|_| too_big())?;
        let crc = crc32fast::hash(data);

        let mut out = Vec::with_capacity(30 + name.len() + data.len());
        put32(&mut out, LOCAL_HEADER);
        put16(&mut out, VERSION);
        put16(&mut out, FLAG_UTF8);
        put16(&mut out, 0); // stored
        put16(&mut out, self.time);
        put16(&mut out, self.date);
        put32(&mut out, crc);
        put32(&mut out, size);
        put32(&mut out, size);
        put16(&mut out, name_len);
        put16(&mut out, 0); // extra field
        out.extend_from_slice(name);
        out.extend_from_slice(data);

        let c = &mut self.central;
        put32(c, CENTRAL_HEADER);
        put16(c, MADE_BY);
        put16(c, VERSION);
        put16(c, FLAG_UTF8);
        put16(c, 0);
        put16(c, self.time);
        put16(c, self.date);
        put32(c, crc);
        put32(c, size);
        put32(c, size);
        put16(c, name_len);
        put16(c, 0); // extra
        put16(c, 0); // comment
        put16(c, 0); // disk
        put16(c, 0); // internal attributes
        put32(c, UNIX_FILE);
        put32(c, offset);
        c.extend_from_slice(name);

        let end = self.offset + out.len() as u64;
        if end > u64::from(u32::MAX) {
            return Err(too_big());
        }
        self.offset = end;
        self.entries += 1;
        Ok(out)
    }

    /// The central directory and end record that close the archive.
    pub fn finish(self) -> Vec<u8> {
        let mut out = self.central;
        let size = out.len() as u32;
        let entries = self.entries as u16;
        put32(&mut out, END_OF_CENTRAL);
        put16(&mut out, 0);
        put16(&mut out, 0);
        put16(&mut out, entries);
        put16(&mut out, entries);
        put32(&mut out, size);
        put32(&mut out, self.offset as u32);
        put16(&mut out, 0);
        out
    }
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn the_zip_crate_reads_it_back() {
        let mut z = ZipStream::new();
        let mut bytes = Vec::new();
        bytes.extend(z.entry("๐๐๑-นายก.pdf", b"%PDF-1.7 one").unwrap());
        bytes.extend(z.entry("002.pdf", b"%PDF-1.7 two!").unwrap());
        bytes.extend(z.finish());
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(archive.len(), 2);
        let mut first = archive.by_index(0).unwrap();
        assert_eq!(first.name(), "๐๐๑-นายก.pdf");
        let mut text = String::new();
        first.read_to_string(&mut text).unwrap();
        assert_eq!(text, "%PDF-1.7 one");
        drop(first);
        let mut second = archive.by_name("002.pdf").unwrap();
        let mut text = String::new();
        second.read_to_string(&mut text).unwrap();
        assert_eq!(text, "%PDF-1.7 two!");
    }
}
