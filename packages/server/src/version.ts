/** The release of ddm-jobs, shown in the OpenAPI document and `ddm-jobs --version`. */
export const VERSION = '0.1.0';
