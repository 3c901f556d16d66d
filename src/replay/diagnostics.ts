/** One rejected input line: where it was and what the parser said. */
export interface RejectRecord {
  readonly file: string;
  /** 1-based line number in the (decompressed) file; for JSON files, 1-based row index. */
  readonly line: number;
  readonly message: string;
}

/** Something worth knowing about a file that is not a reject (a torn last line, a skipped layout). */
export interface FileNote {
  readonly file: string;
  readonly message: string;
}

/**
 * A running tally of what the replay readers rejected or noticed. Readers never throw for
 * a bad row: they count it here (the same rule as the live loop) and carry on.
 * Keeps every count but only the first `maxListed` records of each kind, so memory stays
 * bounded on a badly broken file.
 */
export class ReplayDiagnostics {
  readonly maxListed: number;
  private rejectTotal = 0;
  private readonly rejectList: RejectRecord[] = [];
  private readonly noteList: FileNote[] = [];
  private readonly rejectsPerFile = new Map<string, number>();
  private readonly duplicatesPerFile = new Map<string, number>();
  private duplicateTotal = 0;

  /** @param maxListed how many reject records and notes to keep (default 50) */
  constructor(maxListed = 50) {
    this.maxListed = maxListed;
  }

  reject(file: string, line: number, message: string): void {
    this.rejectTotal += 1;
    this.rejectsPerFile.set(file, (this.rejectsPerFile.get(file) ?? 0) + 1);
    if (this.rejectList.length < this.maxListed) {
      this.rejectList.push({ file, line, message });
    }
  }

  /**
   * A row that repeats one already read (a trade the venue re-sent after a resubscribe:
   * same id, same values). Dropped, not rejected: it is not malformed, only not new.
   */
  duplicate(file: string): void {
    this.duplicateTotal += 1;
    this.duplicatesPerFile.set(file, (this.duplicatesPerFile.get(file) ?? 0) + 1);
  }

  /** Duplicate rows dropped so far. */
  get duplicateCount(): number {
    return this.duplicateTotal;
  }

  /** Duplicate rows dropped from one file. */
  duplicatesIn(file: string): number {
    return this.duplicatesPerFile.get(file) ?? 0;
  }

  note(file: string, message: string): void {
    if (this.noteList.length < this.maxListed) {
      this.noteList.push({ file, message });
    }
  }

  /** Total rejects so far. */
  get rejectCount(): number {
    return this.rejectTotal;
  }

  /** Rejects counted for one file. */
  rejectsIn(file: string): number {
    return this.rejectsPerFile.get(file) ?? 0;
  }

  /** The first `maxListed` rejects. */
  get rejects(): readonly RejectRecord[] {
    return this.rejectList;
  }

  get notes(): readonly FileNote[] {
    return this.noteList;
  }
}
