//! Many small growing lists in a few large segments: the storage of the customers' months
//! and of each month's documents.

/// Many small growing lists (the months of each customer, the documents of each month) in a
/// few large segments instead of one heap allocation each.
///
/// Growing a `Vec` per customer frees the old buffer on every doubling; the allocator hands such
/// pages back to the system and the next customers fault in fresh, zeroed ones — on this kind
/// of VM that cost more than the hash probes. Here a list that grows moves to a block of twice
/// the size and leaves its old block on a free list of its size, for the next list that grows
/// into it; segments are only ever added. Lists are addressed by [`BlockRef`]s, so everything
/// stays safe indexing.
#[derive(Debug, Clone)]
pub(crate) struct Blocks<T> {
    pub(crate) segments: Vec<Vec<T>>,
    /// Free blocks per size class (capacity [`class_size`]), as `(segment, offset)`.
    pub(crate) free: Vec<Vec<(u16, u32)>>,
}

impl<T> Default for Blocks<T> {
    fn default() -> Self {
        Blocks {
            segments: Vec::new(),
            free: Vec::new(),
        }
    }
}

/// Elements per segment: large enough that few segments exist, small enough that a shard's
/// last, partly used segment wastes little.
pub(crate) const SEGMENT: usize = 1 << 15;

/// One list in [`Blocks`]; `class == NO_BLOCK` while it is empty and has no block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BlockRef {
    pub(crate) off: u32,
    pub(crate) len: u32,
    pub(crate) seg: u16,
    pub(crate) class: u8,
}

pub(crate) const NO_BLOCK: u8 = u8::MAX;

impl BlockRef {
    pub(crate) const EMPTY: BlockRef = BlockRef {
        off: 0,
        len: 0,
        seg: 0,
        class: NO_BLOCK,
    };

    pub(crate) fn len(self) -> usize {
        self.len as usize
    }
}

impl<T: Copy + Default> Blocks<T> {
    pub(crate) fn slice(&self, r: BlockRef) -> &[T] {
        if r.class == NO_BLOCK {
            return &[];
        }
        let start = r.off as usize;
        &self.segments[usize::from(r.seg)][start..start + r.len()]
    }

    pub(crate) fn slice_mut(&mut self, r: BlockRef) -> &mut [T] {
        if r.class == NO_BLOCK {
            return &mut [];
        }
        let start = r.off as usize;
        &mut self.segments[usize::from(r.seg)][start..start + r.len()]
    }

    /// A block of `class_size(class)` elements: a freed one of that size, or new space.
    pub(crate) fn alloc(&mut self, class: u8) -> (u16, u32) {
        if let Some(block) = self
            .free
            .get_mut(usize::from(class))
            .and_then(|list| list.pop())
        {
            return block;
        }
        let size = class_size(class);
        let fits = self
            .segments
            .last()
            .is_some_and(|s| s.capacity() - s.len() >= size);
        if !fits {
            // A list longer than a segment gets a segment of its own size.
            self.segments.push(Vec::with_capacity(SEGMENT.max(size)));
        }
        let seg = self.segments.len() - 1;
        let segment = &mut self.segments[seg];
        let off = segment.len();
        segment.resize(off + size, T::default());
        (seg as u16, off as u32)
    }

    /// Appends `value` to the list `r`, moving it to a larger block when its block is full.
    pub(crate) fn push(&mut self, r: &mut BlockRef, value: T) {
        if r.class == NO_BLOCK {
            let (seg, off) = self.alloc(0);
            *r = BlockRef {
                off,
                len: 0,
                seg,
                class: 0,
            };
        } else if r.len() == class_size(r.class) {
            let (seg, off) = self.alloc(r.class + 1);
            let (old_seg, old_off) = (usize::from(r.seg), r.off as usize);
            for i in 0..r.len() {
                let v = self.segments[old_seg][old_off + i];
                self.segments[usize::from(seg)][off as usize + i] = v;
            }
            let class = usize::from(r.class);
            if self.free.len() <= class {
                self.free.resize_with(class + 1, Vec::new);
            }
            self.free[class].push((r.seg, r.off));
            r.seg = seg;
            r.off = off;
            r.class += 1;
        }
        let at = r.off as usize + r.len();
        self.segments[usize::from(r.seg)][at] = value;
        r.len += 1;
    }
}

/// Capacity of a block of size class `class`: 1, 2, 3, 4, 6, 8, 12, 16, 24, … — powers of two
/// and one and a half times them. Most customers have a handful of months; with powers of two
/// alone, a quarter of the month cells were held but unused (5 months in a block of 8).
pub(crate) fn class_size(class: u8) -> usize {
    match class {
        0 => 1,
        c if c % 2 == 1 => 1 << c.div_ceil(2),
        c => 3 << (c / 2 - 1),
    }
}

/// A growing list in fixed-size segments: unlike a `Vec` it never moves its elements to a
/// fresh allocation twice the size (each such move faults in new pages and frees the old).
#[derive(Debug, Clone)]
pub(crate) struct Segmented<T> {
    pub(crate) segments: Vec<Vec<T>>,
    pub(crate) len: usize,
}

/// Elements per segment of [`Segmented`] (a power of two: index → segment is a shift).
pub(crate) const SEGMENTED_BITS: u32 = 12;

impl<T> Default for Segmented<T> {
    fn default() -> Self {
        Segmented {
            segments: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Segmented<T> {
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub(crate) fn push(&mut self, value: T) {
        if self.len >> SEGMENTED_BITS == self.segments.len() {
            self.segments.push(Vec::with_capacity(1 << SEGMENTED_BITS));
        }
        self.segments[self.len >> SEGMENTED_BITS].push(value);
        self.len += 1;
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> {
        self.segments.iter().flatten()
    }
}

impl<T> std::ops::Index<usize> for Segmented<T> {
    type Output = T;

    fn index(&self, i: usize) -> &T {
        &self.segments[i >> SEGMENTED_BITS][i & ((1 << SEGMENTED_BITS) - 1)]
    }
}

impl<T> std::ops::IndexMut<usize> for Segmented<T> {
    fn index_mut(&mut self, i: usize) -> &mut T {
        &mut self.segments[i >> SEGMENTED_BITS][i & ((1 << SEGMENTED_BITS) - 1)]
    }
}
