import { ID_ALPHABET, ID_RANDOM_LENGTH } from "@assay/contracts";
import { customAlphabet } from "nanoid";

const random = customAlphabet(ID_ALPHABET, ID_RANDOM_LENGTH);

export const newSessionId = () => `ses_${random()}`;
export const newDatasetId = () => `ds_${random()}`;
export const newJobId = () => `job_${random()}`;
